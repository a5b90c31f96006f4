@echo off
rem Launcher for the Mote compiler on Windows (bin/mote is the one for Linux and macOS):
rem builds the jar on first use, then runs it with this checkout as the Mote home.
setlocal
set "root=%~dp0.."
set "jar=%root%\compiler\target\mote.jar"
if not exist "%jar%" (
  echo mote: %jar% is missing; building it first ^(mvn package^)... 1>&2
  pushd "%root%" && call mvn -q -B package -DskipTests 1>&2 && popd
)
java "-Dmote.home=%root%" -jar "%jar%" %*
exit /b %ERRORLEVEL%
