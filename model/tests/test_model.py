import numpy as np
import pytest
import torch

from refinevad.config import Config, ConfigError, ModelConfig
from refinevad.inference import score_offline, score_streaming
from refinevad.losses import refinevad_loss, topk_video_scores
from refinevad.model import RefineVAD, motion_intensity


def small_config(**overrides) -> ModelConfig:
    values = dict(feature_dim=24, hidden_dim=16, categories=["A", "B", "C"], transformer_heads=2,
                  transformer_ff=32, shift_mlp_hidden=8, head_hidden=8, dropout=0.0)
    values.update(overrides)
    return ModelConfig(**values)


def batch(lengths, dim=24, seed=0):
    gen = torch.Generator().manual_seed(seed)
    t = max(lengths)
    x = torch.randn(len(lengths), t, dim, generator=gen)
    mask = (torch.arange(t)[None, :] < torch.tensor(lengths)[:, None]).float()
    return x, mask


@pytest.mark.parametrize("motar,core,attention", [(True, True, "segments_query"), (True, True, "prototype_query"),
                                                  (False, False, "segments_query"), (True, False, "segments_query"),
                                                  (False, True, "segments_query")])
def test_outputs_have_the_contract_shapes_and_ranges(motar, core, attention):
    torch.manual_seed(0)
    model = RefineVAD(small_config(use_motar=motar, use_core=core, cross_attention=attention)).eval()
    x, mask = batch([9, 5, 1])
    scores, probs = model(x, mask)
    assert scores.shape == (3, 9) and probs.shape == (3, 3)
    assert torch.all((scores >= 0) & (scores <= 1)) and torch.all((probs >= 0) & (probs <= 1))
    assert torch.all(scores[mask == 0] == 0)
    assert torch.isfinite(scores).all() and torch.isfinite(probs).all()


@pytest.mark.parametrize("attention", ["segments_query", "prototype_query"])
def test_padding_values_do_not_change_valid_outputs(attention):
    torch.manual_seed(0)
    model = RefineVAD(small_config(cross_attention=attention)).eval()
    x, mask = batch([9, 5])
    noisy = x.clone()
    noisy[1, 5:] = 1000.0
    with torch.no_grad():
        a = model(x, mask)
        b = model(noisy, mask)
    assert torch.allclose(a[0], b[0], atol=1e-6) and torch.allclose(a[1], b[1], atol=1e-6)


def test_a_padded_row_scores_like_the_same_clip_alone():
    torch.manual_seed(0)
    model = RefineVAD(small_config()).eval()
    x, mask = batch([9, 5])
    with torch.no_grad():
        scores, probs = model(x, mask)
        alone_scores, alone_probs = model(x[1:, :5], mask[1:, :5])
    assert torch.allclose(scores[1, :5], alone_scores[0], atol=1e-5)
    assert torch.allclose(probs[1], alone_probs[0], atol=1e-5)


def test_the_shift_ratio_mlp_receives_gradient_from_the_task_loss():
    # The hard floor/index shift of the paper gives the ratio MLP no gradient; the soft mask must.
    torch.manual_seed(0)
    model = RefineVAD(small_config())
    x, mask = batch([12, 8])
    details = model.details(x, mask, torch.tensor([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
    loss = refinevad_loss(details, mask, torch.tensor([0.0, 1.0]), torch.tensor([[0.0, 0, 0], [0, 1.0, 0]]),
                          Config().train)
    loss.total.backward()
    grads = [p.grad for p in model.encoder.shift.ratio_mlp.parameters()]
    assert all(g is not None for g in grads)
    assert sum(float(g.abs().sum()) for g in grads) > 0


def test_motion_intensity_is_zero_without_motion_and_ignores_the_first_segment():
    x = torch.ones(1, 5, 4) * 3.0
    mask = torch.ones(1, 5)
    assert torch.all(motion_intensity(x, mask) == 0)
    x[0, 3] = torch.tensor([1.0, -1.0, 1.0, -1.0])
    v = motion_intensity(x, mask)
    assert v[0, 0] == 0 and v[0, 3] > 0 and v[0, 4] > 0 and v[0, 1] == 0


def test_topk_video_score_uses_floor_length_over_16_plus_one():
    scores = torch.zeros(1, 40)
    scores[0, :3] = torch.tensor([0.9, 0.6, 0.3])
    mask = torch.ones(1, 40)
    # k = 40 // 16 + 1 = 3
    assert float(topk_video_scores(scores, mask, 16)) == pytest.approx(0.6, abs=1e-6)
    short = torch.ones(1, 40)
    short[0, 10:] = 0
    assert float(topk_video_scores(scores, short, 16)) == pytest.approx(0.9, abs=1e-6)  # k = 1


def test_topk_every_sets_how_many_top_segments_a_video_score_averages():
    scores = torch.zeros(1, 8)
    scores[0, :4] = torch.tensor([0.8, 0.6, 0.4, 0.2])
    mask = torch.ones(1, 8)
    assert float(topk_video_scores(scores, mask, 4)) == pytest.approx(0.6, abs=1e-6)  # k = 8 // 4 + 1 = 3
    assert float(topk_video_scores(scores, mask, 1024)) == pytest.approx(0.8, abs=1e-6)  # k = 1: the max


def test_topk_every_below_one_is_a_config_error_naming_the_field():
    with pytest.raises(ConfigError, match="topk_every"):
        Config.from_dict({"train": {"topk_every": 0}})


def test_streaming_with_a_window_covering_the_clip_matches_offline_on_the_last_segment():
    torch.manual_seed(0)
    model = RefineVAD(small_config()).eval()
    x = np.random.default_rng(0).standard_normal((20, 24)).astype(np.float32)
    offline, _ = score_offline(model, x)
    streamed, evidence = score_streaming(model, x, window=64)
    assert streamed.shape == (20,) and evidence.shape == (20, 3)
    assert streamed[-1] == pytest.approx(offline[-1], abs=1e-5)
    # segment t only sees segments <= t: the first score does not depend on the rest of the clip
    changed = x.copy()
    changed[1:] += 5.0
    assert score_streaming(model, changed, window=64)[0][0] == pytest.approx(streamed[0], abs=1e-6)


def test_config_errors_name_the_field_and_the_allowed_values():
    with pytest.raises(ConfigError, match="cross_attention='sideways'.*segments_query or prototype_query"):
        small_config(cross_attention="sideways").validate()
    with pytest.raises(ConfigError, match="transformer_heads=3.*divisor of hidden_dim"):
        small_config(transformer_heads=3).validate()
    with pytest.raises(ConfigError, match="unknown key.*'widht'"):
        Config.from_dict({"model": {"widht": 3}})
    with pytest.raises(ConfigError, match="input_normalisation='layer'.*none or dataset_rms or row_rms"):
        small_config(input_normalisation="layer").validate()
    with pytest.raises(ConfigError, match="input_scale=0.0.*finite number > 0"):
        small_config(input_scale=0.0).validate()
    with pytest.raises(ConfigError, match="Normal"):
        small_config(categories=["Normal", "A"]).validate()


@pytest.mark.parametrize("normalisation", ["none", "dataset_rms", "row_rms"])
def test_all_zero_rows_give_finite_scores_and_gradients(normalisation):
    # Short real videos carry all-zero feature rows; log(v_t) and every normalisation must stay finite on them.
    torch.manual_seed(0)
    model = RefineVAD(small_config(input_normalisation=normalisation, input_scale=64.0))
    x, mask = batch([9, 5])
    x[0, 4:] = 0.0
    x[1, :] = 0.0
    details = model.details(x, mask, torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]))
    assert torch.isfinite(details.scores).all() and torch.isfinite(details.probs).all()
    loss = refinevad_loss(details, mask, torch.tensor([1.0, 0.0]), torch.tensor([[0.0, 1, 0], [0, 0, 0.0]]),
                          Config().train)
    loss.total.backward()
    assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)


def test_the_learning_check_names_chance_loss_and_flat_scores_only_after_the_warm_up():
    from refinevad.train import learning_failure, warmup_steps
    assert warmup_steps(10) == 50 and warmup_steps(1000) == 300
    learning = {"mil": 0.60, "score_std": 0.2}
    stuck = {"mil": 0.695, "score_std": 0.2}
    flat = {"mil": 0.40, "score_std": 1e-4}
    assert learning_failure(learning, 1000, 1000) is None
    assert learning_failure(stuck, 299, 1000) is None          # still warming up
    assert "at chance" in learning_failure(stuck, 300, 1000)
    assert "at chance" in learning_failure({"mil": 0.9, "score_std": 0.2}, 300, 1000)  # worse than chance
    assert "no longer vary" in learning_failure(flat, 300, 1000)
    assert "at chance" in learning_failure(stuck, 10, 10)      # a run shorter than the warm-up: its last epoch
    assert learning_failure({"mil": 0.668, "score_std": 0.05}, 10, 10) is None  # slow but learning (33-video base)


def test_per_video_motion_normalisation_makes_log_v_independent_of_the_feature_scale():
    # C3D rows are L2-normalised 4096-d vectors: log v_t sits near -9 there and near 0 for unit-variance features.
    torch.manual_seed(0)
    model = RefineVAD(small_config(motion_normalisation="per_video")).eval()
    x, mask = batch([12, 7])
    with torch.no_grad():
        a = model(x, mask)
        b = model(x * 0.1, mask)
    # Only the projection sees the raw scale; the motion embedding and the shift ratio see the same input.
    from refinevad.model import has_previous, motion_intensity, standardise_per_clip
    small = standardise_per_clip(torch.log(motion_intensity(x * 0.1, mask) + 1e-6), has_previous(mask))
    large = standardise_per_clip(torch.log(motion_intensity(x, mask) + 1e-6), has_previous(mask))
    assert torch.allclose(small, large, atol=1e-3)
    assert torch.all(small[has_previous(mask) == 0] == 0)
    assert torch.isfinite(a[0]).all() and torch.isfinite(b[0]).all()


def scores_of(model_config: ModelConfig, state: dict, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    model = RefineVAD(model_config).eval()
    model.load_state_dict(state)
    with torch.no_grad():
        return model(x, mask)[0]


def test_dataset_rms_with_the_scale_derived_from_training_data_removes_the_feature_kind_s_scale():
    # The same videos in two units (C3D rows have RMS 1/64): with input_scale derived by train from each, the same
    # weights give the same scores, the motion embedding and shift ratio included.
    from refinevad.train import TrainingSet, input_scale_of
    torch.manual_seed(0)
    x, mask = batch([12, 7])
    state = RefineVAD(small_config()).state_dict()
    scored = []
    for unit in (1.0, 1.0 / 64):
        videos = [(x[0] * unit).numpy(), (x[1, :7] * unit).numpy()]
        scale = input_scale_of(TrainingSet(videos, np.array([0.0, 1.0]), np.zeros((2, 3)), 24))
        scored.append(scores_of(small_config(input_normalisation="dataset_rms", input_scale=scale), state,
                                x * unit, mask))
    assert torch.allclose(scored[0], scored[1], atol=1e-5)
    assert not torch.allclose(scored[1], scores_of(small_config(), state, x / 64, mask), atol=1e-3)


def test_row_rms_makes_scores_independent_of_each_row_s_scale():
    torch.manual_seed(0)
    x, mask = batch([12, 7])
    state = RefineVAD(small_config()).state_dict()
    row_scales = torch.rand(2, 12, 1) * 10 + 0.01
    cfg = small_config(input_normalisation="row_rms")
    assert torch.allclose(scores_of(cfg, state, x, mask), scores_of(cfg, state, x * row_scales, mask), atol=1e-5)


def test_training_features_that_are_all_zero_cannot_set_an_input_scale():
    from refinevad.cli import UsageError
    from refinevad.train import TrainingSet, input_scale_of
    with pytest.raises(UsageError, match="every training feature value is zero"):
        input_scale_of(TrainingSet([np.zeros((4, 8), np.float32)], np.array([1.0]), np.zeros((1, 3)), 8))
