package dev.pagelab.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventSinkTest {
    private static final KernelEvent FIRST = new KernelEvent.Invlpg(0x1000, KernelEvent.Invlpg.Why.REQUESTED);
    private static final KernelEvent SECOND = new KernelEvent.Cr3Loaded(0x2000);

    @Test
    void enabled_withNothingInstalled_isFalse_andEmitDropsTheEvent() {
        EventSink sink = new EventSink();
        assertThat(sink.enabled()).isFalse();
        sink.emit(FIRST);
        assertThat(sink.watch(null)).isNull();
        assertThat(sink.listen(null)).isNull();
    }

    @Test
    void watch_whileListenersComeAndGo_seesEveryEventAfterTheListener() {
        EventSink sink = new EventSink();
        List<String> seen = new ArrayList<>();
        assertThat(sink.watch(e -> seen.add("watcher " + e.text()))).isNull();
        assertThat(sink.enabled()).as("a watcher alone turns the events on").isTrue();
        sink.emit(FIRST);
        // a nested observer installs its own listener and puts the previous one (none) back, as the scenario runner does
        KernelEventListener previous = sink.listen(e -> seen.add("listener " + e.text()));
        sink.emit(SECOND);
        sink.listen(previous);
        sink.emit(FIRST);
        assertThat(seen).containsExactly("watcher " + FIRST.text(), "listener " + SECOND.text(), "watcher " + SECOND.text(),
                "watcher " + FIRST.text());
        KernelEventListener watcher = sink.watch(null);
        assertThat(watcher).isNotNull();
        assertThat(sink.enabled()).isFalse();
        sink.emit(SECOND);
        assertThat(seen).hasSize(4);
    }
}
