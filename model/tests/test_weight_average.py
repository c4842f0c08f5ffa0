"""train.average_last: the model written is the equal average of its weights over the last steps."""
import pytest
import torch
from refinevad.config import Config, ConfigError
from refinevad.train import TailAverage


def steps_of(values):
    """A one-weight model set to each value in turn, as an optimiser would leave it after each step."""
    model = torch.nn.Linear(1, 1, bias=False)
    for value in values:
        with torch.no_grad():
            model.weight.fill_(value)
        yield model


def averaged(values, fraction):
    average = TailAverage(len(values), fraction)
    for step, model in enumerate(steps_of(values), start=1):
        average.after_step(model, step)
    average.apply(model)
    return float(model.weight), average.averaged


def test_the_last_fraction_of_steps_is_averaged_equally():
    assert averaged([10.0, 20.0, 1.0, 2.0, 6.0], 0.6) == (pytest.approx(3.0), 3)


def test_fraction_zero_keeps_the_last_weights():
    assert averaged([10.0, 20.0, 1.0, 2.0, 6.0], 0.0) == (pytest.approx(6.0), 0)


def test_fraction_one_averages_every_step():
    assert averaged([1.0, 2.0, 6.0], 1.0) == (pytest.approx(3.0), 3)


def test_average_last_outside_zero_to_one_is_a_config_error_naming_the_field():
    with pytest.raises(ConfigError, match="average_last"):
        Config.from_dict({"train": {"average_last": 1.5}})
