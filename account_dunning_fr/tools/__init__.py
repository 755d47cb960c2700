"""Pure rules with no ORM: French-law arithmetic (semesters, late payment,
prescription, payer profile), the page footer stamped on letters, the post
room's duplex batches and the reason read off a returned email."""
