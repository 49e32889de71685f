-- Keys of a step's new rows that a row it keeps (its article not in _drop) already has: the suite's uniqueness
-- expectation, across the whole table although the suite validated only the new rows ({table}, {column} filled
-- in by tables.py).
SELECT count(*) FROM {table} WHERE doc NOT IN (SELECT doc FROM _drop) AND {column} IN (SELECT {column} FROM _frame)
