package io.thoughtanchors.data;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The sampling folder of the rollouts dataset, {@code temperature_<t>_top_p_<p>}: how the rollouts were sampled. */
public record SamplingFolder(String name, double temperature, double topP) {

    private static final Pattern NAME = Pattern.compile("temperature_(\\d+(?:\\.\\d+)?)_top_p_(\\d+(?:\\.\\d+)?)");

    public static Optional<SamplingFolder> parse(String folderName) {
        Matcher m = NAME.matcher(folderName);
        return m.matches() ? Optional.of(new SamplingFolder(folderName, Double.parseDouble(m.group(1)),
                Double.parseDouble(m.group(2)))) : Optional.empty();
    }
}
