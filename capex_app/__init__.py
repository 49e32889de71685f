"""The layer above the domain library (`capex_pipeline`) and the Dagster layer (`assets`): the `capex`
command line and the benchmark. Nothing below imports from here."""
