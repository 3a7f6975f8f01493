"""Territories (communities) and the roles people hold in them."""
