# Sourced by the other scripts: PY is the Python that scripts/setup.sh installed into.
if [ -n "${VIRTUAL_ENV:-}" ] || [ -n "${COLAB_RELEASE_TAG:-}" ]; then
  PY=python3
else
  PY=.venv/bin/python
fi
