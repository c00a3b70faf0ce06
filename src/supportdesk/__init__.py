"""Supportdesk: the support-ticket system of an Odoo implementation partner."""
