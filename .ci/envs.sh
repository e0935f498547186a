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
