package io.thoughtanchors.worker.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.thoughtanchors.worker.GenerateQuery;
import io.thoughtanchors.worker.Generation;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.TokenSink;
import io.thoughtanchors.worker.WorkerException;
import io.thoughtanchors.worker.WorkerException.Kind;
import io.thoughtanchors.worker.v1.DescribeRequest;
import io.thoughtanchors.worker.v1.DescribeResponse;
import io.thoughtanchors.worker.v1.GenerateFinished;
import io.thoughtanchors.worker.v1.GenerateRequest;
import io.thoughtanchors.worker.v1.GenerateResponse;
import io.thoughtanchors.worker.v1.GenerateStarted;
import io.thoughtanchors.worker.v1.GeneratedTokens;
import io.thoughtanchors.worker.v1.ModelWorkerGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Generate through the client against an in-process worker streaming scripted replies: delivery, checks, cancel. */
class GrpcGenerateTest {

    private static final List<GenerateResponse> STREAM = List.of(
            started("Say hi", 3),
            tokens(new int[] {7, 8}, "", "é"),
            tokens(new int[] {9}, " hi"),
            tokens(new int[] {2}, ""),
            GenerateResponse.newBuilder().setFinished(GenerateFinished.newBuilder()
                    .setStopReason(GenerateFinished.StopReason.STOP_TOKEN).setNewTokens(4)).build());

    /** Serves Describe as the tensor fake does, and Generate as {@link #script} says, one reply per message. */
    static final class Scripted extends ModelWorkerGrpc.ModelWorkerImplBase {
        final RootAllocator allocator = new RootAllocator();
        final FakeWorker describing = new FakeWorker(allocator);
        volatile UnaryOperator<List<GenerateResponse>> tamper = UnaryOperator.identity();
        volatile Status failure;
        volatile GenerateRequest request;
        final CountDownLatch cancelled = new CountDownLatch(1);

        @Override
        public void describe(DescribeRequest request, StreamObserver<DescribeResponse> out) {
            describing.describe(request, out);
        }

        @Override
        public void generate(GenerateRequest request, StreamObserver<GenerateResponse> out) {
            this.request = request;
            if (failure != null) {
                out.onError(failure.asRuntimeException());
                return;
            }
            ServerCallStreamObserver<GenerateResponse> call = (ServerCallStreamObserver<GenerateResponse>) out;
            call.setOnCancelHandler(cancelled::countDown);
            for (GenerateResponse reply : tamper.apply(new ArrayList<>(STREAM))) {
                if (call.isCancelled()) {
                    return;
                }
                call.onNext(reply);
                try {
                    Thread.sleep(20); // tokens arrive over time, as a generation's do
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            call.onCompleted();
        }
    }

    private final Scripted service = new Scripted();
    private Server server;
    private GrpcModelWorker worker;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(service).build().start();
        worker = GrpcModelWorker.over(InProcessChannelBuilder.forName(name).build(), GrpcWorkerOptions.DEFAULTS);
    }

    @AfterEach
    void stop() throws Exception {
        worker.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        service.allocator.close();
    }

    private static GenerateQuery query() {
        return new GenerateQuery(ModelInput.text("Say hi"), 8, 0.7f, 0.9f, 42, List.of("stop"), new int[] {2}, false);
    }

    @Test
    void tokensReachTheSinkInOrderAndTheResultSumsThemUp() {
        List<String> seen = new ArrayList<>();
        Generation g = worker.generate(query(), new TokenSink() {
            @Override
            public void started(String promptText, int promptTokens) {
                seen.add("started " + promptText + " " + promptTokens);
            }

            @Override
            public void accept(int id, String piece) {
                seen.add(id + ":" + piece);
            }
        });

        assertEquals(List.of("started Say hi 3", "7:", "8:é", "9: hi", "2:"), seen);
        assertArrayEquals(new int[] {7, 8, 9, 2}, g.ids());
        assertEquals("é hi", g.text());
        assertEquals(Generation.StopReason.STOP_TOKEN, g.stopReason());
        assertEquals("Say hi", g.promptText());
        assertEquals(3, g.promptTokens());
        GenerateRequest sent = service.request;
        assertEquals("Say hi", sent.getInput().getText());
        assertEquals(8, sent.getMaxNewTokens());
        assertEquals(0.7f, sent.getTemperature());
        assertEquals(0.9f, sent.getTopP());
        assertEquals(42, sent.getSeed());
        assertEquals(List.of("stop"), sent.getStopList());
        assertEquals(List.of(2), sent.getStopTokenIdsList());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "no-finished    | the stream ended without a finished message",
        "no-started     | a TOKENS message before the started one",
        "count          | finished with 5 new tokens after 4",
        "outside-vocab  | token id 50 outside the vocabulary of 50",
        "pieces         | 2 ids with 1 pieces",
        "stop-string    | stop reason STOP_STRING with stop string \"\"",
        "after-finished | a TOKENS message after the finished one"})
    void aStreamBreakingTheContractIsAContractMismatch(String breakage, String expected) {
        service.tamper = stream -> {
            switch (breakage) {
                case "no-finished" -> stream.remove(stream.size() - 1);
                case "no-started" -> stream.remove(0);
                case "count" -> stream.set(4, finished(GenerateFinished.StopReason.EOS, 5, ""));
                case "outside-vocab" -> stream.set(3, tokens(new int[] {FakeWorker.VOCAB}, ""));
                case "pieces" -> stream.set(1, GenerateResponse.newBuilder().setTokens(GeneratedTokens.newBuilder()
                        .addIds(7).addIds(8).addPieces("é")).build());
                case "stop-string" -> stream.set(4, finished(GenerateFinished.StopReason.STOP_STRING, 4, ""));
                case "after-finished" -> stream.add(tokens(new int[] {3}, "x"));
                default -> throw new IllegalArgumentException(breakage);
            }
            return stream;
        };
        WorkerException e = assertThrows(WorkerException.class, () -> worker.generate(query(), TokenSink.NONE));
        assertEquals(Kind.CONTRACT_MISMATCH, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("Generate") && e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aSinkThatThrowsCancelsTheCallOnTheWorker() throws InterruptedException {
        IllegalStateException stop = new IllegalStateException("enough");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> worker.generate(query(),
                (id, piece) -> {
                    throw stop;
                }));
        assertEquals(stop, thrown);
        assertTrue(service.cancelled.await(5, TimeUnit.SECONDS), "the worker never saw the cancellation");
    }

    @Test
    void aRefusalKeepsTheWorkersMessage() {
        service.failure = Status.INVALID_ARGUMENT.withDescription("max_new_tokens=0 must be at least 1");
        WorkerException e = assertThrows(WorkerException.class, () -> worker.generate(query(), TokenSink.NONE));
        assertEquals(Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().matches("INVALID_ARGUMENT: Generate from \\S+: max_new_tokens=0 must be at least 1"),
                e.getMessage());  // the message names the worker that refused
    }

    private static GenerateResponse started(String prompt, int tokens) {
        return GenerateResponse.newBuilder().setStarted(GenerateStarted.newBuilder().setPromptText(prompt)
                .setPromptTokens(tokens)).build();
    }

    private static GenerateResponse tokens(int[] ids, String... pieces) {
        GeneratedTokens.Builder b = GeneratedTokens.newBuilder();
        for (int id : ids) {
            b.addIds(id);
        }
        return GenerateResponse.newBuilder().setTokens(b.addAllPieces(List.of(pieces))).build();
    }

    private static GenerateResponse finished(GenerateFinished.StopReason reason, int count, String stopString) {
        return GenerateResponse.newBuilder().setFinished(GenerateFinished.newBuilder().setStopReason(reason)
                .setNewTokens(count).setStopString(stopString)).build();
    }
}
