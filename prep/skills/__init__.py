"""The way in: the skills check, the certification advisor and the credentials tracker."""
