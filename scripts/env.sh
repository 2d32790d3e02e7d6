# Sourced by the other scripts: PY is the Python that scripts/setup.sh installed into.
if [ -n "${VIRTUAL_ENV:-}" ] || [ -n "${COLAB_RELEASE_TAG:-}" ]; then
  PY=python3
else
  PY=.venv/bin/python
fi
# Jupyter Book's command line, run by that Python (jupyter_book has no __main__ module).
jb() { "$PY" -c "import sys; from jupyter_book.cli.main import main; sys.exit(main())" "$@"; }
