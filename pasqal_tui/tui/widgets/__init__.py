"""Small reusable widgets and renderables shared by the screens."""
