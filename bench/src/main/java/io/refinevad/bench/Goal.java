package io.refinevad.bench;

/** One measured goal as a line of its own, which bench scripts collect into their summary (grep '^goal'). */
final class Goal {
    private Goal() {
    }

    static void print(String goal, String measured, boolean met) {
        System.out.printf("goal  %-58s %-28s %s%n", goal, measured, met ? "met" : "NOT MET");
    }
}
