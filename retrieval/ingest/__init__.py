"""Sources → one document of blocks: DOCX, PDF (text layer) and text plans read the same way."""
