"""Stage 5, the report: tables, text, figures and the HTML/PDF, from the results alone, with disclosure control."""
