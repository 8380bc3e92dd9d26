package io.thoughtanchors.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Validation and accessors of the value types analyses build and read. */
class ValueTypesTest {

    @Test
    void tokenRangesAreHalfOpenAndValidated() {
        TokenRange r = new TokenRange(3, 5);
        assertEquals(2, r.length());
        assertTrue(r.contains(3) && !r.contains(5));
        assertTrue(new TokenRange(4, 4).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new TokenRange(5, 3));
        assertThrows(IllegalArgumentException.class, () -> new TokenRange(-1, 3));
        assertThrows(IllegalArgumentException.class, () -> TokenRange.requireSortedDisjoint(
                List.of(new TokenRange(0, 4), new TokenRange(3, 6)), "ranges"));
    }

    @Test
    void suppressionRejectsBosAndKeepsLayersSorted() {
        assertThrows(IllegalArgumentException.class, () -> Suppression.allHeads(List.of(new TokenRange(0, 2))));
        Suppression s = new Suppression(List.of(new TokenRange(2, 4)), Map.of(7, List.of(1), 2, List.of()));
        assertEquals(List.of(2, 7), List.copyOf(s.layerHeads().keySet()));
        assertTrue(Suppression.NONE.isBaseline());
        assertTrue(!s.isBaseline());
    }

    @Test
    void queriesRejectInconsistentRequests() {
        ModelInput in = ModelInput.text("x");
        assertThrows(IllegalArgumentException.class, () -> AttentionQuery.pooled(in, List.of()));
        assertThrows(IllegalArgumentException.class, () -> AttentionQuery.raw(in).withLayers(List.of(1, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> new LogitsQuery(in, List.of(Suppression.NONE), Optional.empty(), List.of(), false, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> LogitsQuery.nucleus(in, List.of(), NucleusSpec.REFERENCE));
        assertThrows(IllegalArgumentException.class, () -> new NucleusSpec(0f, 100, 0.6f, true));
        assertEquals(3, AttentionQuery.pooled(in, List.of(new TokenRange(0, 1), new TokenRange(1, 1),
                new TokenRange(1, 4))).matrixSize(10));
    }

    @Test
    void tokenInputIsCopiedInAndOut() {
        int[] ids = {1, 2, 3};
        ModelInput.Tokens t = (ModelInput.Tokens) ModelInput.tokens(ids);
        ids[0] = 99;
        t.ids()[1] = 99;
        assertArrayEquals(new int[] {1, 2, 3}, t.ids());
        assertEquals(t, ModelInput.tokens(new int[] {1, 2, 3}));
    }

    @Test
    void nucleusReadsCsrByAbsolutePosition() {
        Nucleus n = new Nucleus(5, new int[] {0, 2, 3}, new int[] {7, 9, 4}, new float[] {3f, 1f, 8f},
                new float[] {0.9f, 0.99f});
        assertEquals(7, n.endPosition());
        assertArrayEquals(new int[] {7, 9}, n.idsAt(5));
        assertArrayEquals(new float[] {8f}, n.logitsAt(6));
        assertEquals(2, n.start(6));
        assertEquals(0.99f, n.retainedMassAt(6));
        assertThrows(IndexOutOfBoundsException.class, () -> n.size(4));
        assertThrows(IllegalArgumentException.class, () -> new Nucleus(0, new int[] {0, 0}, new int[0],
                new float[0], new float[] {1f}));
    }

    @Test
    void workerExceptionMessageIsOneLineWithItsKind() {
        WorkerException e = new WorkerException(WorkerException.Kind.INVALID_ARGUMENT, "layers[0]:\n  99 >= 48");
        assertEquals("INVALID_ARGUMENT: layers[0]: 99 >= 48", e.getMessage());
    }
}
