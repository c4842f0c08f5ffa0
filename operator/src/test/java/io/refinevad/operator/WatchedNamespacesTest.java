package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WatchedNamespacesTest {

    @Test
    void unsetWatchesEveryNamespace() {
        assertThat(WatchedNamespaces.of(Optional.empty())).isEqualTo(WatchedNamespaces.ALL);
        assertThat(WatchedNamespaces.ALL).hasToString("every namespace");
    }

    @Test
    void aListWatchesThoseNamespacesOnly() {
        WatchedNamespaces watched = WatchedNamespaces.of(Optional.of(List.of("team-b", " team-a")));

        assertThat(watched.names()).isEqualTo(Set.of("team-a", "team-b"));
        assertThat(watched).hasToString("team-a, team-b");
    }

    @Test
    void aNameTheApiServerWouldRefuseIsRefusedAtStartup() {
        for (String bad : List.of("Team-A", "team_a", "-team", "a".repeat(64), "")) {
            assertThatThrownBy(() -> WatchedNamespaces.of(Optional.of(List.of(bad))))
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("refinevad.operator.watch-namespaces");
        }
    }
}
