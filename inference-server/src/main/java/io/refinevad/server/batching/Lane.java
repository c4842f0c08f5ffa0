package io.refinevad.server.batching;

import java.util.ArrayDeque;
import java.util.List;

/**
 * One of the batcher's queues (stream windows, or long clips), with its budgets: the jobs, the feature bytes and
 * the attention cost (the sum of each job's length^2) it holds at most. Not thread-safe: the batcher's lock guards
 * it.
 */
final class Lane {
    private final String name;
    private final int maxJobs;
    private final long maxBytes;
    private final long maxAttention;
    private final ArrayDeque<Enqueued> jobs = new ArrayDeque<>();
    private long bytes;
    private long attention;

    Lane(String name, int maxJobs, long maxBytes, long maxAttention) {
        this.name = name;
        this.maxJobs = maxJobs;
        this.maxBytes = maxBytes;
        this.maxAttention = maxAttention;
    }

    /** Throws QueueFullException, naming the limit and its property, unless all of `more` fit together. */
    void requireRoom(List<Enqueued> more) {
        long moreBytes = 0;
        long moreAttention = 0;
        for (Enqueued job : more) {
            moreBytes = WorkSize.sum(moreBytes, job.bytes);
            moreAttention = WorkSize.sum(moreAttention, job.attention);
        }
        if (jobs.size() + more.size() > maxJobs) {
            throw full(jobs.size() + " jobs wait and this request brings " + more.size() + "; at most " + maxJobs
                    + " may (refinevad.batching.max-queue-size)");
        }
        if (WorkSize.sum(bytes, moreBytes) > maxBytes) {
            throw full(bytes + " bytes of features wait and this request brings " + moreBytes + "; at most "
                    + maxBytes + " may (refinevad.batching.max-queue-bytes)");
        }
        if (WorkSize.sum(attention, moreAttention) > maxAttention) {
            throw full("an attention cost of " + attention + " waits (the sum of each job's segments^2) and this"
                    + " request brings " + moreAttention + "; at most " + maxAttention
                    + " may (refinevad.batching.max-queue-attention)");
        }
    }

    private QueueFullException full(String detail) {
        return new QueueFullException("the " + name + " queue is full: " + detail + "; retry later or on another"
                + " replica");
    }

    void add(Enqueued job) {
        jobs.add(job);
        bytes += job.bytes;
        attention += job.attention;
    }

    Enqueued poll() {
        Enqueued job = jobs.poll();
        if (job != null) {
            bytes -= job.bytes;
            attention -= job.attention;
        }
        return job;
    }

    Enqueued peek() {
        return jobs.peek();
    }

    boolean isEmpty() {
        return jobs.isEmpty();
    }

    int size() {
        return jobs.size();
    }
}
