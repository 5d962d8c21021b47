"""The wire protocol shared by both sides: bibdebitor's model of SF1590_B_01 as typed messages,
XSDs, a SOAP 1.1 envelope, and safe XML parsing. Pure Python (lxml), no Django."""
