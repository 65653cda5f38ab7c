"""Plans: free or paid until a date, the plan history, and the expiry job's logic."""
