"""Pure rules without ORM: French-law arithmetic (semesters, late payment,
prescription) and the post room's duplex batches."""
