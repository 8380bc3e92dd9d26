package io.thoughtanchors.analysis;

import io.thoughtanchors.analysis.attention.DepthControl;
import io.thoughtanchors.analysis.attention.HeadAggregate;
import io.thoughtanchors.analysis.attention.LayerZero;
import io.thoughtanchors.analysis.attention.NanHeadPolicy;
import io.thoughtanchors.analysis.attention.PoolingConvention;
import io.thoughtanchors.analysis.text.BoundaryMode;
import io.thoughtanchors.analysis.text.SentenceSource;
import io.thoughtanchors.analysis.text.Truncation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfileTest {

    @Test
    void profilesFollowSpecTable() {
        AnalysisOptions head = Profile.REF_HEAD.options();
        assertEquals(SentenceSource.HEAD_KEEP_SPACING, head.sentenceSource());
        assertEquals(BoundaryMode.HEAD_PREFIX_COUNT, head.boundaryMode());
        assertEquals(PoolingConvention.HEAD_CLIP, head.pooling());
        assertEquals(LayerZero.INCLUDE, head.layerZero());
        assertEquals(NanHeadPolicy.FAIL, head.nanHeadPolicy());
        assertEquals(4, head.kurtosisScores().proximityIgnore());
        assertEquals(DepthControl.NONE, head.kurtosisScores().depthControl());

        AnalysisOptions paper = Profile.REF_PAPER.options();
        assertEquals(BoundaryMode.PAPER_SHIFTED_PREFIX, paper.boundaryMode());
        assertEquals(Truncation.PAPER_SEMI, paper.truncation());
        assertEquals(DepthControl.ROW_INDEX_SCALING, paper.kurtosisScores().depthControl());
        assertEquals(4, paper.kurtosisScores().dropEnds());
        assertEquals(0, paper.receiverScores().dropEnds());
        assertEquals(8, paper.scoreTailNaN());

        AnalysisOptions rec = Profile.RECOMMENDED.options();
        assertEquals(BoundaryMode.OFFSETS, rec.boundaryMode());
        assertEquals(PoolingConvention.RECOMMENDED, rec.pooling());
        assertEquals(HeadAggregate.NANMEAN, rec.headAggregate());
        assertEquals(LayerZero.EXCLUDE, rec.layerZero());
    }

    @Test
    void withChangesOneOptionAndDescribeListsEveryOption() {
        AnalysisOptions base = Profile.RECOMMENDED.options();
        AnalysisOptions changed = base.withTopK(32);
        assertEquals(32, changed.topK());
        assertEquals(base.withTopK(base.topK()), base);
        assertEquals(base, changed.withTopK(20));
        String d = changed.describe();
        assertEquals(AnalysisOptions.class.getRecordComponents().length, d.lines().count());
        for (var c : AnalysisOptions.class.getRecordComponents()) {
            assertTrue(d.contains(c.getName()), c.getName());
        }
        assertTrue(d.contains("topK=32"));
    }
}
