package io.refinevad.gateway.pods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PodTest {

    @Test
    void aPodNamesItsAdminPortOrGetsTheDefault() {
        assertEquals(new Pod("10.1.2.3", 9000, 9002), Pod.parse("10.1.2.3:9000", 9002));
        assertEquals(new Pod("localhost", 41000, 41001), Pod.parse(" localhost:41000:41001", 9002));
    }

    @Test
    void aBadEntrySaysWhatIsExpected() {
        assertEquals("scoring pod 'pod-a' is not host:port or host:port:admin-port",
                assertThrows(IllegalArgumentException.class, () -> Pod.parse("pod-a", 9002)).getMessage());
        assertEquals("scoring pod 'pod-a:90000' has port '90000', not 1 to 65535",
                assertThrows(IllegalArgumentException.class, () -> Pod.parse("pod-a:90000", 9002)).getMessage());
        assertEquals("scoring pod 'pod-a:x' has port 'x', not 1 to 65535",
                assertThrows(IllegalArgumentException.class, () -> Pod.parse("pod-a:x", 9002)).getMessage());
    }
}
