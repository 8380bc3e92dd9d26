package io.thoughtanchors.pipeline.cache;

import java.io.IOException;
import java.nio.file.Path;

/** A cache or store file whose content does not match its checksum (or cannot be parsed): it is to be recomputed. */
public final class DamagedEntryException extends IOException {

    public DamagedEntryException(Path file, String why) {
        super(file + " is damaged: " + why);
    }
}
