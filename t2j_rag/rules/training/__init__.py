"""Translating whole training programs: optimizers, schedulers, the data pipeline, checkpoints and
host-side randomness, each as engine-side mapping functions plus runtime helpers pasted into the
translation."""
