"""Peer servers measured side by side with Cirkelbord."""
