"""The pub/sub backplane: one contract for every engine."""
