// SPDX-License-Identifier: MIT
/* An empty preload library: the baseline enostub's startup cost is
 * measured against. */
int enostub_bench_empty;
