/** Turns a receivers result (and optionally a suppression matrix) into the numbers a report draws. */
package io.thoughtanchors.pipeline.report;
