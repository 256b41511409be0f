import { render } from "preact";
import { PatientApp } from "./app";
import "../styles.css";
import "./patient.css";

render(<PatientApp />, document.getElementById("app")!);
