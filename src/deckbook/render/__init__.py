"""Renderers: one module (or package) per output, each with one public `render()`."""
