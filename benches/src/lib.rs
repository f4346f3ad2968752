//! Benchmarks and workload generator (in progress).
