"""Pure rules with no ORM: French-law arithmetic (semesters, late payment,
prescription, payer profile), the page footer stamped on letters and the post
room's duplex batches."""
