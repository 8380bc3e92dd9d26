/**
 * The pooled-attention cache: one Arrow IPC file per (model, dtype, mode, text), its key and metadata, the cache
 * filler that computes what is missing through the worker, and the atomic file writes and JSON mapper every file
 * of the pipeline uses.
 */
package io.thoughtanchors.pipeline.cache;
