package io.refinevad.operator.scaling;

/** Counts in reasons read "1 replica", "3 replicas". */
final class Plural {

    private Plural() {
    }

    static String of(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
