# The project's entry points. Every target installs what it needs first (scripts/bootstrap.sh is idempotent).
PY := scripts/py
BUILD := build
DEFAULT_MODEL := model/default
DEMO_DATA := $(BUILD)/demo-data

.PHONY: demo test model-test java-test default-model clean

## demo: generate a small synthetic benchmark and evaluate the embedded default model on it
demo:
	$(PY) -m refinevad.synth --out $(DEMO_DATA) --seed 2024 --videos 60
	$(PY) -m refinevad.evaluate --model $(DEFAULT_MODEL)/checkpoint --data $(DEMO_DATA) --windows 32

## test: every test of the project (model, then the Java build)
test: model-test java-test

model-test:
	$(PY) -m pytest -q model/tests

java-test:
	./mvnw -B -ntp verify

## default-model: retrain, evaluate and export the committed default model (about 5 minutes; docs/MODEL.md)
default-model:
	$(PY) -m refinevad.synth --out $(BUILD)/synth-seed0 --seed 0 --videos 600
	$(PY) -m refinevad.train --data $(BUILD)/synth-seed0 --out $(DEFAULT_MODEL)/checkpoint --seed 0
	$(PY) -m refinevad.evaluate --model $(DEFAULT_MODEL)/checkpoint --data $(BUILD)/synth-seed0 \
		--windows 16,32,64 > $(BUILD)/default-metrics.json
	$(PY) -m refinevad.export --model $(DEFAULT_MODEL)/checkpoint --out $(DEFAULT_MODEL)/export \
		--metrics $(BUILD)/default-metrics.json

clean:
	rm -rf $(BUILD)
