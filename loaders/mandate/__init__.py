"""Importing 三定 regulations (职能配置、内设机构和人员编制规定) as draft workbooks.

reading (file → text) → normalising (width, traditional characters, page noise) →
parsing (both forms) → matching names to the baseline → data duties → function
proposals → writing the draft. ``importer.import_mandates`` ties them together.
"""
