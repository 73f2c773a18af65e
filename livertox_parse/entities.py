"""placeholder"""
def extract_entities(doc, spans, monograph):
    return []
