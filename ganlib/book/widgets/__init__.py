"""Interactive widgets (ipywidgets) for the chapters, one module each. Each module keeps the maths in a
plain update function (tested without a browser in ``tests/``) and builds the widget around it; a chapter
shows a static figure of the same function for the rendered book. ipywidgets is imported lazily, inside the
builders, so that ganlib itself never needs it."""
