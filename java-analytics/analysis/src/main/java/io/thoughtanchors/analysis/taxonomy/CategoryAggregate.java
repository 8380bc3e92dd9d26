package io.thoughtanchors.analysis.taxonomy;

/** Per-trace aggregate of sentence scores within a category (authors' code: mean; ARENA text: median). */
public enum CategoryAggregate {
    MEAN,
    MEDIAN
}
