"""The benchmark (`capex bench`): extraction throughput and accuracy on generated corpora (`corpus_gen`), whole
runs through Dagster in fresh processes, and the Recognizers-Text peer. It sits above the domain library and the
Dagster layer, like the command line, and imports Dagster only in the child process of an end-to-end run."""
