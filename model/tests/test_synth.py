import numpy as np

from refinevad.synth import Generator, SynthParams


def test_seeds_draw_new_videos_of_the_same_world():
    a, b = Generator(SynthParams(dim=32), seed=1), Generator(SynthParams(dim=32), seed=2)
    assert np.array_equal(a.directions, b.directions) and np.array_equal(a.scene_basis, b.scene_basis)
    assert not np.array_equal(a.video(True)[0][:5], b.video(True)[0][:5])
    other_world = Generator(SynthParams(dim=32, world_seed=5), seed=1)
    assert not np.array_equal(a.directions, other_world.directions)


def test_anomalous_videos_carry_labelled_intervals_and_normal_videos_none():
    gen = Generator(SynthParams(dim=32, max_segments=200), seed=0)
    for _ in range(20):
        x, labels, category = gen.video(anomalous=True)
        assert x.dtype == np.float32 and category in gen.p.categories
        assert 3 <= labels.sum() <= 0.7 * len(labels) + 1
        x, labels, category = gen.video(anomalous=False)
        assert category is None and labels.sum() == 0 and 32 <= len(x) <= 200


def test_distractors_never_combine_into_an_unlabelled_motion_anomaly():
    # With a still background (no drift, noise or scene cut) the segments nothing was added to are all equal, and a
    # segment's difference from them is what was added: a benign shift lies along one motion direction, a burst's
    # jitter does not, and both together (jitter plus a small shift along a motion category: a motion anomaly by
    # definition) lie in between.
    params = SynthParams(dim=64, max_segments=300, drift_std=0.0, noise_std=0.0, scene_cut_probability=0.0,
                         burst_probability=1.0, benign_shift_probability=1.0)
    gen = Generator(params, seed=0)
    unit = gen.directions[gen.motion_category_ids] / np.linalg.norm(gen.directions[gen.motion_category_ids],
                                                                     axis=1, keepdims=True)
    shifted = jittered = 0
    for _ in range(40):
        x, labels, _ = gen.video(anomalous=False)
        rows, counts = np.unique(x, axis=0, return_counts=True)
        added = x - rows[counts.argmax()]
        norms = np.linalg.norm(added, axis=1)
        moved = norms > 1e-3
        along = np.abs(added[moved] @ unit.T).max(axis=1) / norms[moved]
        pure_shift, pure_jitter = along > 0.999, along < 0.6
        assert (pure_shift | pure_jitter).all(), "a segment carries a benign shift and a burst together"
        shifted, jittered = shifted + pure_shift.sum(), jittered + pure_jitter.sum()
    assert shifted > 0 and jittered > 0
