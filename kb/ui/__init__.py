"""Helpers for the Gradio app (app.py): HTML rendering, one module per tab.

Every piece of corpus or user text goes through ``html.escape`` before it reaches a gr.HTML.
"""
