# The project's entry points. Every target installs what it needs first (scripts/bootstrap.sh is idempotent).
PY := scripts/py
BUILD := build
DEFAULT_MODEL := model/default

.PHONY: demo evaluate-default test model-test java-test gpu-test e2e-test default-model images images-test push real-node-test clean

## demo: start the inference server on the embedded default model and stream synthetic videos through it
demo:
	scripts/demo.sh

## evaluate-default: evaluate the default model on a fresh synthetic benchmark (offline and streaming AUC)
evaluate-default:
	$(PY) -m refinevad.synth --out $(BUILD)/eval-data --seed 2024 --videos 60
	$(PY) -m refinevad.evaluate --model $(DEFAULT_MODEL)/checkpoint --data $(BUILD)/eval-data --windows 32

## test: every test of the project, in build order (docs/LOCAL-CLUSTER.md, "Build order"): the model; the Java
## build with its unit and integration tests (grpcurl and the control plane are built first for the reflection test
## and the operator's API server tier); the inference server's -Pgpu build and the GPU check without a GPU; the
## container images, built from those jars and tested; the end-to-end suites on the local cluster's real node, which
## runs those images; the real node's own test. The last three need root (docs/IMAGES.md, docs/LOCAL-CLUSTER.md)
test: model-test java-test gpu-test images-test e2e-test real-node-test

model-test:
	$(PY) -m pytest -q model/tests

## java-test: ./mvnw verify; the e2e modules' *IT classes are skipped (e2e.skip, e2e/pom.xml): they need the images
java-test:
	e2e/tools/build-tools.sh > /dev/null
	./mvnw -B -ntp verify

## gpu-test: the -Pgpu build of the inference server (onnxruntime_gpu 371 MB, downloaded into ~/.m2 once) into
## inference-server/target/gpu: compiled, its GPU unit tests, packaged, and the GPU jar started on this machine with
## no GPU (GpuJarStartupIT); then bench/gpu-check.sh without a GPU (bench/gpu-check-test.sh). docs/GPU.md
gpu-test:
	./mvnw -B -ntp -Pgpu -pl inference-server -am verify -Dtest=GpuExecutionProvidersTest \
		-Dsurefire.failIfNoSpecifiedTests=false
	bench/gpu-check-test.sh

## e2e-test: the test bed's and the product's end-to-end suites (e2e/testbed, e2e/suites) on the real node, after
## make images; -DskipTests skips the tests of the modules they depend on (java-test ran them), -De2e.skip=false
## runs their own. One class: add -Dit.test=CLASS -Dfailsafe.failIfNoSpecifiedTests=false
e2e-test: images
	e2e/tools/build-tools.sh > /dev/null
	./mvnw -B -ntp verify -pl e2e/testbed,e2e/suites -am -DskipTests -De2e.skip=false

## default-model: retrain, evaluate and export the committed default model (about 6 minutes; docs/MODEL.md): the
## default recipe on 1200 synthetic videos of at most 300 segments (training mean-pools longer videos down to
## train.max_segments, which averages their motion away; docs/MODEL.md has the measurements behind both numbers)
DEFAULT_MODEL_DATA := $(BUILD)/synth-seed0
default-model:
	$(PY) -m refinevad.synth --out $(DEFAULT_MODEL_DATA) --seed 0 --videos 1200 --max-segments 300
	$(PY) -m refinevad.train --data $(DEFAULT_MODEL_DATA) --out $(DEFAULT_MODEL)/checkpoint --seed 0
	$(PY) -m refinevad.evaluate --model $(DEFAULT_MODEL)/checkpoint --data $(DEFAULT_MODEL_DATA) \
		--windows 16,32,64 > $(BUILD)/default-metrics.json
	$(PY) -m refinevad.export --model $(DEFAULT_MODEL)/checkpoint --out $(DEFAULT_MODEL)/export \
		--metrics $(BUILD)/default-metrics.json

## images: the container images as OCI archives in build/images, built by Maven with Jib on bases made from Debian
## packages (cached in ~/.cache/refinevad/images); prints each image's name:tag and digest (docs/IMAGES.md)
images:
	scripts/bootstrap.sh > /dev/null
	images/build-images.sh

## images-test: builds the images, then checks them (reproducible, non-root, labels, each one started from its
## unpacked root); needs the client jar that java-test builds
images-test: images
	images/test-images.sh

## push: copies the built images to REGISTRY (make push REGISTRY=registry.example.com/team), digests unchanged
push:
	images/push-images.sh "$(REGISTRY)"

## real-node-test: the local cluster's real node (containerd, kubelet, kube-proxy) end to end, as root: a pod of the
## model fetcher's image by pod IP and ClusterIP, logs, exec; the host as before after down (docs/LOCAL-CLUSTER.md)
real-node-test:
	scripts/bootstrap.sh > /dev/null
	e2e/tools/build-tools.sh > /dev/null
	test -s $(BUILD)/images/model-fetcher.tar || images/build-images.sh
	e2e/tests/real-node-test.sh

clean:
	rm -rf $(BUILD)
