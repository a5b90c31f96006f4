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
rem Builds are short: the JIT's first tier alone is faster (bin/mote says why); not for lsp, monitor.
set "jvm=-XX:TieredStopAtLevel=1"
if /i "%~1"=="lsp" set "jvm="
if /i "%~1"=="monitor" set "jvm="
java %jvm% "-Dmote.home=%root%" -jar "%jar%" %*
exit /b %ERRORLEVEL%
