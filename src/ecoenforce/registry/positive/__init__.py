"""The supervision positive list (监督执法正面清单): criteria from records, application, approval, removal."""
