"""江城政策知识库: a cited question-answering knowledge base over Chinese policy documents."""

__version__ = "0.1.0"
