"""Optional LLM over an OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp's llama-server), off
while ``llm_base_url`` is empty. Imported by kb.api only when it is set, so the `openai` package
is never loaded on the default path. Modules: client (the call, its time budget and failures),
prompts (messages and bounded JSON schemas), guard (the citation guard), answer (rewrite + read)."""
