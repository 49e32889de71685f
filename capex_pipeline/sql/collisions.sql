-- Keys of a step's new rows that a row it keeps already has: the suite's uniqueness expectation, across the
-- whole table although the suite validated only the new rows ({table}, {column} filled in by tables.py).
SELECT count(*) FROM {table} WHERE doc IN (SELECT doc FROM _keep) AND {column} IN (SELECT {column} FROM _frame)
