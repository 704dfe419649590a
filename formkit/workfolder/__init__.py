"""workfolder"""
