package io.thoughtanchors.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StaticFiguresTest {

    private static final ReportModel FULL = SampleModels.full();
    private static final ReportModel MINIMAL = SampleModels.minimal();
    private static final int WHITE = 0xFFFFFF;

    @ParameterizedTest
    @EnumSource(FigureId.class)
    void everyFigureOfAFullModelIsAFullSizeDrawingOnWhite(FigureId id) {
        BufferedImage image = decode(StaticFigures.render(FULL, id));

        assertEquals(StaticFigures.WIDTH, image.getWidth());
        assertEquals(StaticFigures.HEIGHT, image.getHeight());
        assertEquals(WHITE, rgb(image, 1, 1), "background");
        assertTrue(distinctColours(image) > 40, id + " has only " + distinctColours(image) + " colours");
    }

    @ParameterizedTest
    @EnumSource(FigureId.class)
    void theSameModelGivesTheSameBytes(FigureId id) {
        assertArrayEquals(StaticFigures.render(FULL, id), StaticFigures.render(FULL, id));
    }

    @ParameterizedTest
    @EnumSource(FigureId.class)
    void aMinimalModelDrawsWhatItHasAndNamesWhatItLacks(FigureId id) {
        Optional<String> missing = id.missingIn(MINIMAL);
        if (missing.isPresent()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StaticFigures.render(MINIMAL, id));
            assertEquals(missing.get(), e.getMessage());
        } else {
            BufferedImage image = decode(StaticFigures.render(MINIMAL, id));
            assertEquals(StaticFigures.WIDTH, image.getWidth());
            assertTrue(distinctColours(image) > 40, id + " looks blank");
        }
    }

    @Test
    void theMinimalModelLacksExactlyTheOptionalFigures() {
        Set<FigureId> lacking = Arrays.stream(FigureId.values()).filter(id -> id.missingIn(MINIMAL).isPresent())
                .collect(Collectors.toSet());

        assertEquals(Set.of(FigureId.RELIABILITY, FigureId.SUPPRESSION_MATRIX, FigureId.SUPPRESSION_BY_DISTANCE,
                FigureId.RECEIVER_VS_COUNTERFACTUAL), lacking);
    }

    @Test
    void withoutCategoriesFigure5IsRefusedAndTheScatterIsDrawnWithoutItsResidualLine() {
        ReportModel unlabelled = SampleModels.unlabelled();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StaticFigures.render(unlabelled, FigureId.CATEGORY_BOXPLOT));
        assertEquals("no trace has sentence categories", e.getMessage());
        assertTrue(distinctColours(decode(StaticFigures.render(unlabelled, FigureId.RECEIVER_VS_COUNTERFACTUAL))) > 40);
    }

    @ParameterizedTest
    @EnumSource(FigureId.class)
    void aOneSentenceOneHeadModelStillDrawsEveryFigureItHas(FigureId id) {
        ReportModel tiny = SampleModels.build(1, 1, 1, 1, false);

        if (id.missingIn(tiny).isEmpty()) {
            assertEquals(StaticFigures.HEIGHT, decode(StaticFigures.render(tiny, id)).getHeight());
        }
    }

    @Test
    void theHeadMatrixLeavesTheUpperTriangleBlankWithRowZeroAtTheTop() {
        double[][] matrix = FULL.focus().headMatrix();
        BufferedImage image = decode(StaticFigures.render(FULL, FigureId.HEAD_MATRIX));

        for (int i = 0; i < matrix.length; i++) {
            for (int j = 0; j < matrix.length; j++) {
                int colour = cellColour(image, matrix.length, i, j);
                if (Double.isNaN(matrix[i][j])) {
                    assertEquals(WHITE, colour, "NaN cell " + i + "," + j);
                } else {
                    assertNotEquals(WHITE, colour, "cell " + i + "," + j);
                }
            }
        }
    }

    @Test
    void theSuppressionMatrixRunsFromWhiteAtTheLowEndToStrongRedAtTheHighEnd() {
        ReportModel.Suppression suppression = FULL.suppression().orElseThrow();
        double[][] matrix = suppression.normalised();
        BufferedImage image = decode(StaticFigures.render(FULL, FigureId.SUPPRESSION_MATRIX));
        int low = 0;
        int high = 0;

        for (int i = 0; i < matrix.length; i++) {
            for (int j = 0; j < matrix.length; j++) {
                int colour = cellColour(image, matrix.length, i, j);
                if (Double.isNaN(matrix[i][j]) || matrix[i][j] <= suppression.colourLow()) {
                    assertEquals(WHITE, colour, "cell " + i + "," + j + " = " + matrix[i][j]);
                    low += Double.isNaN(matrix[i][j]) ? 0 : 1;
                } else if (matrix[i][j] >= suppression.colourHigh()) {
                    assertTrue(isStrongRed(colour), "cell " + i + "," + j + " is #" + Integer.toHexString(colour));
                    high++;
                }
            }
        }
        assertTrue(low > 0 && high > 0, "the sample should have cells beyond both ends: " + low + ", " + high);
    }

    @Test
    void onlySyntheticWeightsGetTheRedWarningInTheHeader() {
        ReportModel.RunSettings s = FULL.settings();
        ReportModel trained = new ReportModel(new ReportModel.RunSettings(s.title(), s.modelId(), s.dtype(), false,
                s.profile(), s.options(), s.worker(), s.dataPath(), s.created(), s.traceIds()), FULL.kurtosis(),
                FULL.reliability(), FULL.categories(), FULL.sentences(), FULL.focus(), FULL.blackBox(),
                FULL.suppression(), FULL.notComputed());

        assertTrue(redPixelsInHeader(decode(StaticFigures.render(FULL, FigureId.KURTOSIS_HISTOGRAM))) > 100);
        assertEquals(0, redPixelsInHeader(decode(StaticFigures.render(trained, FigureId.KURTOSIS_HISTOGRAM))));
    }

    @Test
    void figure5DrawsEachCategoryMeanWithItsIntervalInsideThePlot() {
        ReportModel.CategoryScores c = FULL.categories().orElseThrow();
        ReportModel withoutMeans = new ReportModel(FULL.settings(), FULL.kurtosis(), FULL.reliability(),
                Optional.of(new ReportModel.CategoryScores(c.categories(), c.perTrace(), java.util.List.of(),
                        c.interval(), c.tests())), FULL.sentences(), FULL.focus(), FULL.blackBox(), FULL.suppression(),
                FULL.notComputed());
        long with = receiverPixelsInPlot(decode(StaticFigures.render(FULL, FigureId.CATEGORY_BOXPLOT)));
        long without = receiverPixelsInPlot(decode(StaticFigures.render(withoutMeans, FigureId.CATEGORY_BOXPLOT)));
        // Eight squares and eight bars with caps.
        assertEquals(0, without);
        assertTrue(with > 8 * 60, "receiver-coloured pixels in the plot: " + with);
    }

    private static long receiverPixelsInPlot(BufferedImage image) {
        FigurePage.Area area = FigurePage.WITH_LEGEND;
        int receiver = FigurePalette.RECEIVER.getRGB() & 0xFFFFFF;
        long count = 0;
        for (int y = area.y(); y < area.y() + area.height(); y++) {
            for (int x = area.x(); x < area.x() + area.width(); x++) {
                count += rgb(image, x, y) == receiver ? 1 : 0;
            }
        }
        return count;
    }

    /** The colour at the centre of matrix cell (i, j), row 0 at the top of the square plot area. */
    private static int cellColour(BufferedImage image, int n, int i, int j) {
        FigurePage.Area area = FigurePage.SQUARE;
        return rgb(image, area.x() + (int) ((j + 0.5) * area.width() / n),
                area.y() + (int) ((i + 0.5) * area.height() / n));
    }

    private static long redPixelsInHeader(BufferedImage image) {
        long count = 0;
        for (int y = 0; y < FigurePage.SQUARE.y() - 10; y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                count += isStrongRed(rgb(image, x, y)) ? 1 : 0;
            }
        }
        return count;
    }

    private static boolean isStrongRed(int rgb) {
        int r = rgb >> 16 & 0xFF;
        int g = rgb >> 8 & 0xFF;
        int b = rgb & 0xFF;
        return r >= 140 && g <= 60 && b <= 70;
    }

    private static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(rgb(image, x, y));
            }
        }
        return colours.size();
    }

    private static int rgb(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) & 0xFFFFFF;
    }

    private static BufferedImage decode(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertTrue(image != null, "not a PNG");
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
